# node-gyp build of the same addon CMakeLists.txt builds (scripts/build.js is the usual way; this one is for those
# who prefer node-gyp). libtorch is found by the same script, scripts/lib/find-libtorch.js.
#   node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --nodedir=/usr
{
  "variables": {
    "torch_include_dirs": "<!(node scripts/lib/find-libtorch.js --field includeDirs)",
    "torch_lib_dir": "<!(node scripts/lib/find-libtorch.js --field libDir)",
    "torch_libs": "<!(node scripts/lib/find-libtorch.js --field libraries)",
    "torch_abi": "<!(node -p \"require('./scripts/lib/find-libtorch.js').findLibtorch().cxx11Abi ? 1 : 0\")",
    "torch_flavour": "<!(node scripts/lib/find-libtorch.js --field flavour)",
    "napi_include": "<!(node -p \"require('node-addon-api').include_dir\")"
  },
  "targets": [
    {
      "target_name": "torch_node",
      "sources": [
        "binding/addon.cc",
        "binding/archive.cc",
        "binding/args.cc",
        "binding/crc32.cc",
        "binding/io.cc",
        "binding/nn.cc",
        "binding/ops.cc",
        "binding/quantized.cc",
        "binding/runtime.cc",
        "binding/tensor.cc"
      ],
      "include_dirs": ["<(napi_include)"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "TORCH_NODE_FLAVOUR=\"<(torch_flavour)\"",
        "_GLIBCXX_USE_CXX11_ABI=<(torch_abi)"
      ],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-Wno-unused-parameter",
                    "<!@(node -p \"'<(torch_include_dirs)'.split(' ').filter(d => !['/usr/include', '/usr/local/include'].includes(d)).map(d => '-isystem' + d).join(' ')\")"],
      "libraries": [
        "-L<(torch_lib_dir)",
        "<!@(node -p \"'<(torch_libs)'.split(' ').filter(l => l !== 'torch_cuda').map(l => '-l' + l).join(' ')\")",
        "-lz",
        "-Wl,-rpath,<(torch_lib_dir)"
      ],
      "conditions": [
        ["'<!(node scripts/lib/find-libtorch.js --field cuda)'=='true'", {
          "libraries": ["-Wl,--no-as-needed,<(torch_lib_dir)/libtorch_cuda.so,--as-needed"]
        }]
      ]
    }
  ]
}
