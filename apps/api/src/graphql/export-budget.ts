import { AppError, ErrorCode } from '../errors.js';

/**
 * The bytes one request may export (ONNX files are tens of MB each). Exports of a request run one
 * after another, each checked against what is left, so aliases cannot build them all at once.
 */
export class ExportBudget {
  #used = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly maxBytes: number) {}

  /** Runs `produce` after the request's earlier exports, if the budget is not spent; counts its bytes. */
  run<T extends { readonly content: string }>(produce: () => T): Promise<T> {
    const next = this.#queue.then(() => {
      if (this.#used >= this.maxBytes) throw this.#exceeded();
      const result = produce();
      this.#used += result.content.length;
      if (this.#used > this.maxBytes) throw this.#exceeded();
      return result;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #exceeded(): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, `Exports are limited to ${this.maxBytes} bytes per request; ask for fewer at once`, ['export'], {
      reason: 'EXPORT_LIMIT',
      maxBytes: this.maxBytes,
    });
  }
}
