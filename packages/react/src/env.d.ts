/// <reference lib="dom" />
// The bindings run in browsers (and jsdom in tests): requestAnimationFrame, window events.
// tsconfig.base.json only has lib ES2023, so the DOM types are pulled in here.
export {};
