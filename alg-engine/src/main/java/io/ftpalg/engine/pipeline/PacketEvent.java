package io.ftpalg.engine.pipeline;

/** One ring slot of the live pipeline: a pre-allocated packet slot plus what the stages decided. */
public final class PacketEvent {
    public final PacketSlot slot;
    /** Worker that owns this packet's flows; -1 for a clock tick that every worker takes. */
    public int shard;
    /** The owning worker's verdict (Engine.FORWARD, DROP, HELD). */
    public int verdict;

    public PacketEvent(int slotCapacity) {
        this.slot = new PacketSlot(slotCapacity);
    }
}
