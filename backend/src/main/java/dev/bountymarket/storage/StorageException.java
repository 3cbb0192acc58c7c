package dev.bountymarket.storage;

/** An upload or read that cannot be done; the message says why. */
public class StorageException extends RuntimeException {

    public enum Code {
        /** 413: larger than the limit. */
        TOO_LARGE(413),
        /** 400: empty, or not what it claims to be. */
        INVALID_CONTENT(400),
        /** 404: no such object. */
        NOT_FOUND(404),
        /** 500: the disk failed us. */
        IO_FAILURE(500);

        public final int status;

        Code(int status) {
            this.status = status;
        }
    }

    public final Code code;

    public StorageException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public StorageException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }
}
