package dev.gatun.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * EMNIST, the extended MNIST of NIST's handwritten characters, as its {@code gzip.zip} unpacks:
 * {@code emnist-<split>-{train,test}-{images-idx3,labels-idx1}-ubyte[.gz]} and
 * {@code emnist-<split>-mapping.txt}. The images are stored transposed (column by column) and are
 * turned upright on load; the labels of {@link Split#LETTERS} run 1..26 in the files and are
 * shifted to 0..25 here, as every other split's already are.
 */
public final class Emnist {
    private Emnist() {}

    /** The six splits, each with its number of classes and the label of its first class. */
    public enum Split {
        /** Digits and letters, 47 balanced classes (some upper and lower case letters merged). */
        BALANCED(47, 0),
        /** Digits, upper and lower case letters: 62 classes. */
        BYCLASS(62, 0),
        /** Digits and letters with similar upper and lower case merged: 47 classes. */
        BYMERGE(47, 0),
        /** The letters, upper and lower case merged: 26 classes, labelled 1..26 in the files. */
        LETTERS(26, 1),
        /** The digits: 10 classes. */
        DIGITS(10, 0),
        /** The digits, as many as MNIST has: 10 classes. */
        MNIST(10, 0);

        private final int classes;
        private final int firstLabel;

        Split(int classes, int firstLabel) {
            this.classes = classes;
            this.firstLabel = firstLabel;
        }

        /** {@return the number of classes} */
        public int classes() {
            return classes;
        }

        /** {@return the label of class 0 in the files: 1 for letters, else 0} */
        public int firstLabel() {
            return firstLabel;
        }

        /** {@return the split's name in file names and configs, e.g. {@code balanced}} */
        public String fileName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The split named {@code name} in file names and configs.
         *
         * @param name e.g. {@code balanced}
         * @return the split
         * @throws IllegalArgumentException listing the splits when there is none of that name
         */
        public static Split of(String name) {
            for (Split s : values()) {
                if (s.fileName().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown EMNIST split '" + name + "' (known: " + String.join(", ",
                    names()) + ")");
        }

        /** {@return every split's name, in declaration order} */
        public static List<String> names() {
            return Arrays.stream(values()).map(Split::fileName).toList();
        }
    }

    /**
     * The image or label file of a split in {@code dir}, plain or gzipped (plain preferred).
     *
     * @param dir the directory holding the EMNIST files
     * @param split the split
     * @param train the training part (else the test part)
     * @param images the image file (else the label file)
     * @return the file
     * @throws FileNotFoundException when neither the file nor its {@code .gz} exists
     */
    public static Path file(Path dir, Split split, boolean train, boolean images) throws FileNotFoundException {
        return FashionMnist.file(dir, "emnist-" + split.fileName() + "-" + (train ? "train" : "test") + "-"
                + (images ? "images-idx3" : "labels-idx1") + "-ubyte");
    }

    /**
     * {@return the mapping file of a split in {@code dir}: {@code emnist-<split>-mapping.txt}}
     *
     * @param dir the directory holding the EMNIST files
     * @param split the split
     */
    public static Path mappingFile(Path dir, Split split) {
        return dir.resolve("emnist-" + split.fileName() + "-mapping.txt");
    }

    /**
     * Reads the training or test part of a split from {@code dir}, images upright and labels 0-based.
     *
     * @param dir the directory holding the EMNIST files
     * @param split the split
     * @param train the training part (else the test part)
     * @param arena the arena owning the data
     * @return the images and labels
     * @throws IOException when a file is missing or malformed (the message names it)
     */
    public static IdxImages load(Path dir, Split split, boolean train, Arena arena) throws IOException {
        return IdxImages.load(file(dir, split, train, true), file(dir, split, train, false), split.classes(),
                split.firstLabel(), true, arena);
    }

    /**
     * The class names of a split from its mapping file, whose lines are {@code label code...}: the
     * label as in the label files, then one or more Unicode code points (letters lists the upper
     * and the lower case: its names are {@code A/a} ...). Every label of the split must have
     * exactly one line.
     *
     * @param mappingFile the mapping file
     * @param split the split
     * @return the names, in class order (0-based)
     * @throws DatasetFormatException naming the file and line when a line is malformed, a label
     *     is out of range or repeated, or a label has no line
     * @throws IOException when the file cannot be read (the message names it)
     */
    public static List<String> classNames(Path mappingFile, Split split) throws IOException {
        List<String> lines = ClassNamesFile.lines(mappingFile);
        String[] names = new String[split.classes()];
        int last = split.firstLabel() + split.classes() - 1;
        for (int i = 0; i < lines.size(); i++) {
            String where = "line " + (i + 1);
            String[] fields = lines.get(i).split("\\s+");
            if (lines.get(i).isEmpty() || fields.length < 2) {
                throw new DatasetFormatException(mappingFile, where + " is '" + lines.get(i)
                        + "', expected 'label code' (e.g. '0 48')");
            }
            int label = integer(mappingFile, where, "label", fields[0]);
            if (label < split.firstLabel() || label > last) {
                throw new DatasetFormatException(mappingFile, where + " has label " + label + ", expected "
                        + split.firstLabel() + ".." + last + " for the " + split.fileName() + " split");
            }
            int index = label - split.firstLabel();
            if (names[index] != null) {
                throw new DatasetFormatException(mappingFile, where + " repeats label " + label);
            }
            List<String> chars = new ArrayList<>();
            for (int f = 1; f < fields.length; f++) {
                int code = integer(mappingFile, where, "character code", fields[f]);
                if (!Character.isValidCodePoint(code) || Character.isISOControl(code) || Character.isWhitespace(code)) {
                    throw new DatasetFormatException(mappingFile, where + " has character code " + code
                            + ", not a printable character");
                }
                chars.add(Character.toString(code));
            }
            names[index] = String.join("/", chars);
        }
        for (int c = 0; c < names.length; c++) {
            if (names[c] == null) {
                throw new DatasetFormatException(mappingFile, "has no line for label " + (c + split.firstLabel())
                        + "; the " + split.fileName() + " split has " + split.classes() + " classes");
            }
        }
        return List.of(names);
    }

    private static int integer(Path file, String where, String what, String text) throws DatasetFormatException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(file, where + ": " + what + " '" + text + "' is not a whole number");
        }
    }
}
