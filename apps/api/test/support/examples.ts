import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The synthetic yolov5nu tables shipped by @actnas/core (through its public `examples` export). */
export function exampleTable(metric: 'latency' | 'memory' | 'accuracy'): Promise<string> {
  return readFile(require.resolve(`@actnas/core/examples/yolov5nu-synthetic/${metric}.csv`), 'utf8');
}
