// protobuf.js's Writer, for the ONNX export (model.ts writes with it): a module of its own so the CLI
// loads protobuf.js only for `--format onnx`.

import protobuf from 'protobufjs/minimal.js';
import type { Writer } from './model.js';

export const newWriter = (): Writer => protobuf.Writer.create();
