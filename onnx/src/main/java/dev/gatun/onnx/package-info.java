/**
 * ONNX export ({@link dev.gatun.onnx.OnnxExporter}) and import ({@link dev.gatun.onnx.OnnxImporter}).
 */
package dev.gatun.onnx;
