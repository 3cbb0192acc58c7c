package dev.bountymarket.bounty;

/** Where a bounty is in its life; everything after DRAFT comes from chain events. */
public enum BountyStatus {
    /** Drafted here, its createBounty transaction not yet seen on the chain. */
    DRAFT,
    /** Accepting submissions (CLOSED once the deadline passed: see {@link Bounty#effectiveStatus}). */
    OPEN,
    CLOSED,
    PROPOSED,
    DISPUTED,
    RESOLVED,
    FINALIZED,
    CANCELLED,
    EXPIRED
}
