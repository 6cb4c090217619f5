// What next-env.d.ts provides, without depending on a build directory existing (next-env.d.ts
// is generated per build and not committed), so `npm run check` works on a fresh clone.
/// <reference types="next" />
/// <reference types="next/image-types/global" />

declare module '*.css'
