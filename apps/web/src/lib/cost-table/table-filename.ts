/** `yolov5nu-latency-Pi_5-v2.csv`: model, metric, device and version. */
export function tableCsvFilename(table: { readonly modelSpecName: string; readonly metric: string; readonly deviceProfile: { readonly name: string }; readonly version: number }): string {
  return `${table.modelSpecName}-${table.metric.toLowerCase()}-${table.deviceProfile.name}-v${table.version}.csv`.replace(/[^\w.-]+/g, '_');
}
