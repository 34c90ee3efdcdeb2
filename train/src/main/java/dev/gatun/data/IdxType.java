package dev.gatun.data;

/** Element type of an IDX file, as coded by the third byte of its magic number. */
public enum IdxType {
    /** Unsigned byte. */
    UBYTE(0x08, 1),
    /** Signed byte. */
    BYTE(0x09, 1),
    /** 16-bit signed integer. */
    SHORT(0x0B, 2),
    /** 32-bit signed integer. */
    INT(0x0C, 4),
    /** 32-bit IEEE float. */
    FLOAT(0x0D, 4),
    /** 64-bit IEEE float. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int byteSize;

    IdxType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** {@return the type byte in the file's magic number} */
    public int code() {
        return code;
    }

    /** {@return the bytes per element} */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The type with this code, or {@code null} when the code names no IDX type.
     *
     * @param code the type byte
     * @return the type, or {@code null}
     */
    public static IdxType ofCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** "0x08 ubyte, 0x09 byte, ..." for error messages. */
    static String describeAll() {
        StringBuilder sb = new StringBuilder();
        for (IdxType t : values()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(String.format("0x%02X %s", t.code, t.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return sb.toString();
    }
}
