/**
 * The entry Pulumi's schema analyzer reads (`pulumi package add`): it maps package.json `main` to TypeScript sources,
 * which live in components/, and otherwise takes this file. Programs import the package's compiled `dist/index.js`.
 */
export * from "./components";
