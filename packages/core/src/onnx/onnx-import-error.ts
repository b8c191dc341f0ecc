import type { ImportWarning } from './onnx-site-patterns.js';
import type { OnnxFormatErrorCode } from './onnx-proto.js';
import { OnnxFormatError } from './onnx-proto.js';

/**
 * A model that decodes but cannot be used: no activation site, or input dims that cannot be
 * shaped. A subclass of `OnnxFormatError`, so callers that report its `code` need nothing new.
 */
export class OnnxImportError extends OnnxFormatError {
  constructor(
    code: OnnxFormatErrorCode,
    message: string,
    /** What the importer saw and rejected on the way (look-alike activations). */
    readonly warnings: readonly ImportWarning[] = [],
  ) {
    super(code, message);
    this.name = 'OnnxImportError';
  }
}
