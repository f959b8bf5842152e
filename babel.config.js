// Taro compiles src/ with Babel; tests and the server use SWC/esbuild instead.
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5', useBuiltIns: false }]],
}
