/**
 * Using a trained network from an application: a {@link dev.gatun.predict.Predictor} owns the
 * network's memory, applies the preprocessing it was trained with ({@link
 * dev.gatun.predict.FeatureTransform}) and turns float rows into class probabilities or values,
 * from any number of threads at once.
 */
package dev.gatun.predict;
