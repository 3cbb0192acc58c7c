package dev.bountymarket.evaluator.spec;

/** An enum constant with the name it has in spec and report JSON. */
interface WireNamed {
    String wireName();

    /** The constant of {@code type} with this wire name, or null. */
    static <E extends Enum<E> & WireNamed> E fromWire(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(name)) {
                return constant;
            }
        }
        return null;
    }
}
