// The bench page's ORT worker imports onnxruntime-web's wasm bundle by its URL there
// (scripts/bench.mjs serves it at /ort/); tsconfig's `paths` maps that URL here.
export * from 'onnxruntime-web/wasm';
