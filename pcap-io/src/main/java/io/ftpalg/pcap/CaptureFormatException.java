package io.ftpalg.pcap;

import java.io.IOException;

/**
 * A capture file is corrupt, truncated or not a capture file at all, or one of its packets does not fit
 * the caller's {@link PcapRecord}. The message names the file, the byte offset and what was wrong.
 */
public class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
