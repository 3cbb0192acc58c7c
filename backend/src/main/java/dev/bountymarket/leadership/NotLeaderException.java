package dev.bountymarket.leadership;

/** A write for a role this process no longer leads (another took the lease over): it must not be made. */
public class NotLeaderException extends IllegalStateException {

    public NotLeaderException(Leadership.Role role, long term) {
        super("this server no longer runs the " + role.key() + " (its term " + term
                + " ended: another server took the lease over); the step is left to that server");
    }
}
