package io.captionflow.gateway.background;

import reactor.core.publisher.Mono;

import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;

/**
 * Runs an action once the current reactive transaction has committed, such as waking the
 * thread that publishes what the transaction wrote; outside a transaction, at once.
 */
public final class AfterCommit {

	private AfterCommit() {
	}

	/**
	 * Registers an action for after the commit of the current transaction.
	 * @param action what to run; it must not block
	 * @return completion of the registration
	 */
	public static Mono<Void> run(Runnable action) {
		return TransactionSynchronizationManager.forCurrentTransaction().flatMap((transaction) -> {
			transaction.registerSynchronization(new TransactionSynchronization() {
				@Override
				public Mono<Void> afterCommit() {
					return Mono.fromRunnable(action);
				}
			});
			return Mono.<Void>empty();
		}).onErrorResume(NoTransactionException.class, (ex) -> Mono.fromRunnable(action));
	}

}
