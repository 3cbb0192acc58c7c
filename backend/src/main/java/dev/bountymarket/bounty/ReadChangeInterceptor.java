package dev.bountymarket.bounty;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.hibernate.Interceptor;
import org.hibernate.type.Type;

import dev.bountymarket.submission.Submission;
import io.quarkus.hibernate.orm.PersistenceUnitExtension;

/**
 * Applies this process's own writes of bounties and submissions to its read caches at their commit, before the
 * writer's caller goes on: the database's notice ({@link ReadChanges}) comes a few milliseconds later, and a user (or
 * a test) who changed something and reads it at once from the same server must see it.
 */
@PersistenceUnitExtension
@ApplicationScoped
public class ReadChangeInterceptor implements Interceptor {

    private static final Object KEY = ReadChangeInterceptor.class;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    ReadChanges changes;

    @Override
    public boolean onFlushDirty(Object entity, Object id, Object[] currentState, Object[] previousState,
            String[] propertyNames, Type[] types) {
        changed(entity, id);
        return false;
    }

    @Override
    public boolean onPersist(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
        changed(entity, id);
        return false;
    }

    @Override
    public void onRemove(Object entity, Object id, Object[] state, String[] propertyNames, Type[] types) {
        changed(entity, id);
    }

    private void changed(Object entity, Object id) {
        Long bountyId = entity instanceof Bounty && id instanceof Long bounty ? bounty
                : entity instanceof Submission submission ? (Long) submission.bountyId : null;
        if (bountyId == null) {
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            Set<Long> ids = (Set<Long>) transactions.getResource(KEY);
            if (ids == null) {
                Set<Long> touched = new HashSet<>();
                transactions.registerInterposedSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                    }

                    @Override
                    public void afterCompletion(int status) {
                        if (status == Status.STATUS_COMMITTED) {
                            changes.changedHere(touched);
                        }
                    }
                });
                transactions.putResource(KEY, touched);
                ids = touched;
            }
            ids.add(bountyId);
        } catch (IllegalStateException completing) {
            // Flushed while the transaction completes (too late to register) or outside one: applied now, and again by
            // the database's notice after the commit (a read in between may have cached the old rows until then).
            changes.changedHere(Set.of(bountyId));
        }
    }
}
