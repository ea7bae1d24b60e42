package io.captionflow.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.captionflow.worker.median.MedianFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The median frame of 49 caption crops. One operation is one pixel·frame, so the scores
 * read as ns/pixel·frame; multiply by the operations per invocation for ms per median.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MedianFrameBenchmark {

	private List<byte[]> hd;

	private List<byte[]> fullHd;

	@Setup
	public void generate() {
		this.hd = MedianStack.HD.generate();
		this.fullHd = MedianStack.FULL_HD.generate();
	}

	@Benchmark
	@OperationsPerInvocation(49 * 1280 * 100)
	public byte[] frames49Of1280x100() {
		return MedianFrame.of8Bit(this.hd);
	}

	@Benchmark
	@OperationsPerInvocation(49 * 1920 * 120)
	public byte[] frames49Of1920x120() {
		return MedianFrame.of8Bit(this.fullHd);
	}

}
