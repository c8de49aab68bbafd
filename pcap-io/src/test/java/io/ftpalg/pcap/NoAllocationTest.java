package io.ftpalg.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading allocates nothing per packet (HotSpot's per-thread allocation counter). */
class NoAllocationTest {
    @TempDir
    Path dir;

    @Test
    void readingPacketsAllocatesNothingPerPacket() throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 20_000;
        Path pcap = dir.resolve("a.pcap");
        Path pcapng = dir.resolve("a.pcapng");
        byte[] frame = Bytes.payload(1514, 1);
        try (PcapWriter w = new PcapWriter(pcap, LinkType.ETHERNET, 0);
                PcapngWriter wn = new PcapngWriter(pcapng, "t")) {
            wn.addInterface("eth0", LinkType.ETHERNET, 0);
            for (int i = 0; i < n; i++) {
                w.write(i, frame, 0, 60 + i % 1455);
                wn.write(0, i, frame, 0, 60 + i % 1455, null);
            }
        }
        PcapRecord r = new PcapRecord(1514);
        for (Path f : new Path[] {pcap, pcapng}) {
            for (int round = 0; round < 3; round++) { // later rounds run compiled code
                try (CaptureReader reader = CaptureReader.open(f)) {
                    reader.next(r);
                    long before = mx.getCurrentThreadAllocatedBytes();
                    int count = 1;
                    while (reader.next(r)) {
                        count++;
                    }
                    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                    assertEquals(n, count);
                    if (round == 2) {
                        assertTrue(
                                allocated < 4096, f.getFileName() + ": " + allocated + " bytes for " + n + " packets");
                    }
                }
            }
        }
    }
}
