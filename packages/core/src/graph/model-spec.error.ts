/** A model YAML that cannot be built; the message names the layer and the field. */
export class ModelSpecError extends Error {
  override readonly name = 'ModelSpecError';
  constructor(
    message: string,
    readonly layer?: number,
    readonly field?: string,
  ) {
    super(layer === undefined ? message : `layer ${layer}${field ? ` (${field})` : ''}: ${message}`);
  }
}
