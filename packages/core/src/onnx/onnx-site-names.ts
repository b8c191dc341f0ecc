/**
 * Site names from node names. torch.onnx.export names a node by its module scope, one segment
 * per module, where a child of a ModuleList/Sequential repeats its parent's name:
 * `/model.22/cv3.2/cv3.2.1/act/Mul` is module `model.22.cv3.2.1.act`.
 */

/** The scope part of a torch-style node name (`/model.2/cv1/act`), or undefined. */
export function nodeScope(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const cut = nodeName.lastIndexOf('/');
  return cut > 0 ? nodeName.slice(0, cut) : undefined;
}

/** The module path of a torch-style scope: `/model.2/m.0/cv1/act` → `model.2.m.0.cv1.act`. */
export function modulePathFromScope(scope: string): string | undefined {
  const path: string[] = [];
  for (const segment of scope.split('/')) {
    if (!segment) continue;
    const last = path[path.length - 1];
    if (last !== undefined && segment.startsWith(`${last}.`)) path[path.length - 1] = segment;
    else path.push(segment);
  }
  return path.length > 0 ? path.join('.') : undefined;
}

/** The module path a node name carries, or undefined when it carries none. */
export function siteNameFromNodeName(nodeName: string): string | undefined {
  const scope = nodeScope(nodeName);
  return scope === undefined ? undefined : modulePathFromScope(scope);
}

/** The name of a site without a usable node name; stable for a given file. */
export function generatedSiteName(index: number, outputTensor: string): string {
  return `site.${index}@${outputTensor}`;
}
