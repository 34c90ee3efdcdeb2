package dev.gatun.onnx;

/**
 * What is wrong with the graph being imported, thrown where it is found and turned into an
 * {@link OnnxImportException} naming the file by {@link OnnxImporter}.
 */
final class ImportProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_NAME = 120;

    ImportProblem(String problem) {
        super(problem);
    }

    /** A name from the file, quoted and cut to a readable length. */
    static String quote(String name) {
        String s = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) + "..." : name;
        return "'" + s + "'";
    }
}
