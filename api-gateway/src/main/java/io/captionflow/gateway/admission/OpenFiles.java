package io.captionflow.gateway.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

import com.sun.management.UnixOperatingSystemMXBean;

/**
 * This process's open-file limit, which bounds how many connections it can hold.
 */
final class OpenFiles {

	private OpenFiles() {
	}

	/**
	 * The open-file limit.
	 * @return the most files this process may hold open, or -1 when the platform does not
	 * tell
	 */
	static long limit() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof UnixOperatingSystemMXBean unix) {
			long limit = unix.getMaxFileDescriptorCount();
			return (limit > 0) ? limit : -1;
		}
		return -1;
	}

}
