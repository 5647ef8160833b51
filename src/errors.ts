// What the user asked for cannot be done (an input the network cannot take, a diagram too large
// to draw): one sentence, no stack. The core throws it; the CLI prints it and exits 2.

export class InputError extends Error {
  override readonly name = 'InputError';
}
