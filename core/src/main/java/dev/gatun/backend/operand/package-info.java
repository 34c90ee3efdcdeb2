/**
 * How a backend reads its operands: the layout of a matrix (row-major or a transposed view), a
 * tensor split around one axis, broadcast strides, and the class-label range rule. Exported to
 * the device modules only: it is the shared ground of backend implementations, not user API.
 */
package dev.gatun.backend.operand;
