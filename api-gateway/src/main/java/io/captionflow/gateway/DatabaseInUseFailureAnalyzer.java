package io.captionflow.gateway;

import java.sql.SQLException;

import io.r2dbc.spi.R2dbcException;
import org.h2.api.ErrorCode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Says why a gateway did not start when another process has its H2 database open: H2
 * locks its file for the process that opened it, so a second gateway on the same data
 * folder is refused, and the H2 message alone does not say what to do instead.
 */
class DatabaseInUseFailureAnalyzer implements FailureAnalyzer {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (inUse(cause)) {
				return new FailureAnalysis(
						"The gateway's H2 database is open in another process: " + cause.getMessage()
								+ "\nH2 is single-instance: use PostgreSQL for several gateways.",
						"Stop the other gateway on this data folder (CAPTIONFLOW_DATA_DIR), give this one a folder of "
								+ "its own, or run every gateway on one PostgreSQL database "
								+ "(SPRING_PROFILES_ACTIVE=postgres; README, \"Scaling out\").",
						cause);
			}
		}
		return null;
	}

	private static boolean inUse(Throwable cause) {
		return (cause instanceof SQLException sql && sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1)
				|| (cause instanceof R2dbcException r2dbc && r2dbc.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1);
	}

}
