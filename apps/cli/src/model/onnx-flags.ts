/**
 * The `--max-mb` flag and its default, the ONNX importer's own limit (DEFAULT_MAX_ONNX_BYTES of
 * @actnas/core, checked by a test). A literal, so that declaring the flag (as `search --verify`
 * does) does not load the importer: `actnas search` starts without ONNX or YAML code.
 */
export const MAX_MB_FLAG = ['--max-mb <n>', 'largest ONNX file accepted, in MiB', '512'] as const;
