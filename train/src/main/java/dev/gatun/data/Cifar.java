package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary version of CIFAR-10 and CIFAR-100, as its archive unpacks: 32×32 colour images in
 * fixed-size records (see {@link CifarBatch}), with the class names in text files beside them.
 * CIFAR-10: {@code data_batch_1.bin} ... {@code data_batch_5.bin}, {@code test_batch.bin},
 * {@code batches.meta.txt}. CIFAR-100: {@code train.bin}, {@code test.bin},
 * {@code fine_label_names.txt}, {@code coarse_label_names.txt}.
 */
public final class Cifar {
    /** The colour channels of an image. */
    public static final int CHANNELS = 3;
    /** The height and the width of an image. */
    public static final int SIDE = 32;
    /** The number of CIFAR-10 training files. */
    public static final int CIFAR10_TRAIN_FILES = 5;

    private Cifar() {}

    /** Which data set a file belongs to, and which of its labels is the class. */
    public enum Labels {
        /** CIFAR-10: one label byte, 10 classes. */
        CIFAR10(1, 0, 10, "batches.meta.txt"),
        /** CIFAR-100's 100 fine classes: the second of two label bytes. */
        CIFAR100_FINE(2, 1, 100, "fine_label_names.txt"),
        /** CIFAR-100's 20 coarse superclasses: the first of two label bytes. */
        CIFAR100_COARSE(2, 0, 20, "coarse_label_names.txt");

        private final int labelBytes;
        private final int labelOffset;
        private final int classes;
        private final String namesFile;

        Labels(int labelBytes, int labelOffset, int classes, String namesFile) {
            this.labelBytes = labelBytes;
            this.labelOffset = labelOffset;
            this.classes = classes;
            this.namesFile = namesFile;
        }

        /** {@return the label bytes at the start of each record} */
        public int labelBytes() {
            return labelBytes;
        }

        /** {@return the position in a record of the label byte read as the class} */
        public int labelOffset() {
            return labelOffset;
        }

        /** {@return the bytes of one record: labels and pixels} */
        public int recordBytes() {
            return labelBytes + CifarBatch.PIXELS;
        }

        /** {@return the number of classes} */
        public int classes() {
            return classes;
        }

        /** {@return the file of class names, one per line} */
        public String namesFile() {
            return namesFile;
        }

        /** {@return the data set's name, for messages} */
        public String title() {
            return this == CIFAR10 ? "CIFAR-10" : "CIFAR-100";
        }

        /** The classes label byte {@code b} of a record may name: every byte is checked, used or not. */
        int classesOfByte(int b) {
            return this == CIFAR10 ? 10 : b == 0 ? 20 : 100;
        }

        /** What label byte {@code b} of a record is, for messages. */
        String byteName(int b) {
            return this == CIFAR10 ? "label" : b == 0 ? "coarse label" : "fine label";
        }

        /**
         * {@return the file names of the training or test part}
         *
         * @param train the training part (else the test part)
         */
        public List<String> fileNames(boolean train) {
            if (this != CIFAR10) {
                return List.of(train ? "train.bin" : "test.bin");
            }
            if (!train) {
                return List.of("test_batch.bin");
            }
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= CIFAR10_TRAIN_FILES; i++) {
                names.add("data_batch_" + i + ".bin");
            }
            return names;
        }
    }

    /**
     * The training or test part from {@code dir}, memory-mapped into {@code arena}; its files
     * share one resident budget of {@link MappedFile#defaultResidentBytes()}.
     *
     * @param dir the directory holding the binary files
     * @param labels the data set and the label to read
     * @param train the training part (else the test part)
     * @param arena the arena owning the mappings
     * @return the files, in order
     * @throws IOException when a file is missing or malformed (the message names it)
     */
    public static List<CifarBatch> load(Path dir, Labels labels, boolean train, Arena arena) throws IOException {
        List<CifarBatch> batches = new ArrayList<>();
        MappedFile.Budget budget = MappedFile.Budget.ofDefault();
        for (String name : labels.fileNames(train)) {
            batches.add(CifarBatch.read(dir.resolve(name), labels, arena, budget));
        }
        return batches;
    }

    /**
     * The class names from the text file beside the binaries ({@link Labels#namesFile()}).
     *
     * @param dir the directory holding the files
     * @param labels the data set and the label to read
     * @return the names, in label order
     * @throws IOException when the file is missing or does not hold one name per class
     */
    public static List<String> classNames(Path dir, Labels labels) throws IOException {
        return ClassNamesFile.read(dir.resolve(labels.namesFile()), labels.classes());
    }
}
