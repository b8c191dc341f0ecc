import { describe, expect, it } from 'vitest';
import { measuresOnThisHost } from '../src/shared/measuring-commands.js';

describe('which commands relaunch with the measuring malloc tunables', () => {
  it('the commands that time models on this host', () => {
    expect(measuresOnThisHost(['profile', '--model', 'x.onnx'])).toBe(true);
    expect(measuresOnThisHost(['profile', 'validate', '--table', 't.csv'])).toBe(true);
    expect(measuresOnThisHost(['verify', '--proposals', 'p.json'])).toBe(true);
    expect(measuresOnThisHost(['agent', '--api', 'http://x'])).toBe(true);
    expect(measuresOnThisHost(['search', '--latency', 'l.csv', '--verify'])).toBe(true);
  });

  it('not the others, which start as fast as before', () => {
    expect(measuresOnThisHost([])).toBe(false);
    expect(measuresOnThisHost(['--help'])).toBe(false);
    expect(measuresOnThisHost(['search', '--latency', 'l.csv'])).toBe(false);
    expect(measuresOnThisHost(['search', 'submit', '--project', 'p'])).toBe(false);
    expect(measuresOnThisHost(['model', 'export', 'yolov5nu'])).toBe(false);
    expect(measuresOnThisHost(['proposals', 'verify', '--project', 'p'])).toBe(false);
    expect(measuresOnThisHost(['login'])).toBe(false);
  });
});
