/** src/onnx/tags.ts as generated from onnx.proto's text. */
export function tagsText(protoText: string): string;
