// Served by StaticFilesTest: a file of Studio's web folder that only the tests have.
export const probe = "studio-server-test";
