/** The built-in demo: two generated services written to files, tailed, parsed and stored. */

/** The demo config, before validation; `${data_dir}` is filled in by the loader. */
export function demoConfig(): Record<string, unknown> {
  return {
    generators: [
      { name: 'web', format: 'apache_combined', path: '${data_dir}/demo/web.log', rate: 50 },
      { name: 'api', format: 'json', path: '${data_dir}/demo/api.log', rate: 20 },
    ],
    sources: [
      { type: 'file', paths: ['${data_dir}/demo/web.log'], service: 'web', format: 'apache_combined' },
      { type: 'file', paths: ['${data_dir}/demo/api.log'], format: 'json' },
    ],
  };
}
