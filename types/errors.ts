/** @file The compile-time error carrier and the check that puts it on the offending argument. */

declare const shapeError: unique symbol;
/**
 * A shape mismatch the compiler found. When an argument's expected type becomes this, the
 * editor shows the message (op, dims) and the shapes involved at that argument.
 */
export interface ShapeError<Msg extends string, Got = unknown, Expected = unknown> {
  readonly [shapeError]: readonly [Msg, Got, Expected];
}
/** any ShapeError */
export type AnyShapeError = ShapeError<string, unknown, unknown>;
/** Check<R, Arg>: the parameter's type is the error itself when the rule R failed, else Arg. */
export type Check<R, Arg> = R extends AnyShapeError ? R : Arg;
/** true when T is a ShapeError */
export type IsShapeError<T> = [T] extends [AnyShapeError] ? true : false;
