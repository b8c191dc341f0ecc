/** A model YAML that cannot be built; the message names the layer and the field. */
export class ModelSpecError extends Error {
  override readonly name: string = 'ModelSpecError';
  constructor(
    message: string,
    readonly layer?: number,
    readonly field?: string,
  ) {
    super(layer === undefined ? message : `layer ${layer}${field ? ` (${field})` : ''}: ${message}`);
  }
}

/** A YAML whose head is a task this project does not build (OBB, classification, RT-DETR, ...). */
export class UnsupportedTaskError extends ModelSpecError {
  override readonly name: string = 'UnsupportedTaskError';
}
