// Stylesheets are imported for their side effect: the bundler (esbuild) puts them in the
// page's CSS. Nothing is exported from them.
declare module '*.css';
