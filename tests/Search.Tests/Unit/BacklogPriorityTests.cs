using System.Globalization;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace HubPlatform.Tests.Search.Unit;

/// <summary>Runs its classes alone: they count the CPU time every thread of the process used, so no other test may add to it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuAccountingCollection
{
    public const string Name = "CPU accounting";
}

/// <summary>A fact about Linux thread priorities: skipped, with the reason, elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute() => Skip = OperatingSystem.IsLinux() ? null : "Per-thread nice values and /proc are Linux's; nothing to check here.";
}

/// <summary>
/// The embedding backlog's inference yields the cores: the threads that do it run at nice 19, including ONNX
/// Runtime's own pool when the session has one, while a query embedded on a request's thread keeps its priority.
/// Checked by where the kernel says the CPU time went (/proc/self/task), not by what the code asked for.
/// </summary>
[Collection(CpuAccountingCollection.Name)]
public sealed class BacklogPriorityTests(ITestOutputHelper output)
{
    // Distinct card-like texts of ~120 tokens: about a second of inference on one core, enough clock ticks to count.
    private static readonly string[] Texts = Enumerable.Range(0, 96).Select(i => string.Create(CultureInfo.InvariantCulture,
        $"Model {i} is a {i % 7}-layer transformer fine-tuned on dataset {i * 31 % 97} for summarization of dialogues. " +
        $"It reaches a ROUGE-L of {i % 40 + 20} on the test split after {i % 5 + 1} epochs with a learning rate of 2e-5. " +
        $"Intended uses: meeting notes, chat logs and support tickets in English; limitations: long inputs are truncated " +
        $"to 512 tokens and code-mixed text ({i}) is summarized poorly. Trained on {i % 8 + 1} GPUs for {i % 24 + 1} hours.")).ToArray();

    private readonly int _normal = ThreadCpu.ProcessNice();

    [LinuxFact]
    public void A_low_priority_thread_lowers_only_itself()
    {
        Assert.NotEqual(19, _normal); // a process started at nice 19 would make the checks below meaningless
        using var scheduler = new LowPriorityScheduler(2, 19, "Test backlog");
        var seen = new int[2];

        // Invoke waits for both (the scheduler never runs its work on the caller's thread).
        Parallel.Invoke(
            new ParallelOptions { TaskScheduler = scheduler }, () => seen[0] = ThreadCpu.CurrentNice(), () => seen[1] = ThreadCpu.CurrentNice());

        Assert.Equal(0, scheduler.PriorityError);
        Assert.Equal([19, 19], seen);
        Assert.Equal(_normal, ThreadCpu.CurrentNice());
    }

    [LinuxFact]
    public void Int8_backlog_inference_runs_at_nice_19_and_a_query_on_a_request_thread_at_normal_priority()
    {
        var query = Embedders.Default;
        using var backlog = new BacklogEmbedder(query, Options.Create(new EmbeddingOptions()), NullLogger<BacklogEmbedder>.Instance);
        Assert.False(query.HasIntraOpPool);
        var vectors = backlog.Embed(Texts); // the first run compiles what the measured ones use

        var backlogTicks = ThreadCpu.TicksDuring(() => vectors = backlog.Embed(Texts));
        var queryTicks = ThreadCpu.TicksDuring(() =>
        {
            // Queries one at a time, as /api/search embeds its q on the request's thread.
            foreach (var text in Texts)
            {
                query.Embed(text);
            }
        });

        AssertMostlyAt(19, backlogTicks, "backlog");
        AssertMostlyAt(_normal, queryTicks, "query");
        // The same session, one text per run: the backlog's vectors are exactly the query path's.
        Assert.Equal(query.Embed(Texts), vectors);
        Assert.Equal(_normal, ThreadCpu.CurrentNice());
    }

    [LinuxFact]
    public void With_an_intra_op_pool_the_backlog_gets_its_own_session_whose_pool_runs_at_nice_19()
    {
        // Fp32 batches run on ONNX Runtime's intra-op pool, made with the session by the thread that creates it.
        var options = new EmbeddingOptions { Precision = EmbeddingPrecision.Fp32, IntraOpThreads = 2 };
        using var query = Embedders.Create(options);
        Assert.True(query.HasIntraOpPool);
        using var backlog = new BacklogEmbedder(query, Options.Create(options), NullLogger<BacklogEmbedder>.Instance);
        var vectors = backlog.Embed(Texts);
        var expected = query.Embed(Texts);

        var backlogTicks = ThreadCpu.TicksDuring(() => vectors = backlog.Embed(Texts));
        var queryTicks = ThreadCpu.TicksDuring(() => expected = query.Embed(Texts));

        // Had the backlog run on the query's session, that session's pool thread (normal priority) would have done half the work.
        AssertMostlyAt(19, backlogTicks, "backlog");
        AssertMostlyAt(_normal, queryTicks, "query");
        Assert.All(vectors.Zip(expected), p => Assert.InRange(Embedders.Cosine(p.First, p.Second), 0.99999f, 1.00001f));
    }

    [LinuxFact]
    public void BacklogNice_0_embeds_at_normal_priority()
    {
        using var backlog = new BacklogEmbedder(
            Embedders.Default, Options.Create(new EmbeddingOptions { BacklogNice = 0 }), NullLogger<BacklogEmbedder>.Instance);

        AssertMostlyAt(_normal, ThreadCpu.TicksDuring(() => backlog.Embed(Texts)), "backlog with BacklogNice 0");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void A_nice_value_outside_0_to_19_is_refused_with_the_setting_named(int nice)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BacklogEmbedder(
            Embedders.Default, Options.Create(new EmbeddingOptions { BacklogNice = nice }), NullLogger<BacklogEmbedder>.Instance));
        Assert.Contains("Search:Embeddings:BacklogNice", e.Message, StringComparison.Ordinal);
    }

    // Most, not all: the runtime's own threads (GC, JIT) take a few ticks of their own meanwhile.
    private void AssertMostlyAt(int nice, IReadOnlyList<ThreadCpu.Sample> threads, string what)
    {
        var total = threads.Sum(t => t.Ticks);
        var atNice = threads.Where(t => t.Nice == nice).Sum(t => t.Ticks);
        var busiest = string.Join(", ", threads.Take(8).Select(t => $"'{t.Name}' nice {t.Nice}: {t.Ticks}"));
        output.WriteLine($"{what}: {atNice} of {total} CPU ticks at nice {nice}; busiest threads {busiest}");
        Assert.True(atNice >= 20, $"{what}: only {atNice} ticks at nice {nice}: too little work to judge");
        Assert.True(atNice >= 0.8 * total, $"{what}: {atNice} of {total} ticks at nice {nice}");
    }
}
