using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Extensions;
using HubPlatform.Search.Index;
using HubPlatform.Search.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search.Unit;

public sealed class SearchEmbeddingsRegistrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("search-embeddings-").FullName;

    [Fact]
    public void Binds_Search_Embeddings_and_loads_the_saved_index_and_its_state_at_start()
    {
        var path = Path.Combine(_directory, "models.usearch");
        SaveIndex(path, vectors: 300);
        using var host = Start(new()
        {
            ["Search:Embeddings:BatchSize"] = "8",
            ["Search:Embeddings:ExecutionProvider"] = "cpu",
            ["Search:Embeddings:Index:Path"] = path,
            ["Search:Embeddings:Index:ExpansionSearch"] = "100",
        });

        Assert.Equal(8, host.Services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.BatchSize);
        Assert.Equal(100, host.Services.GetRequiredService<IOptions<VectorIndexOptions>>().Value.ExpansionSearch);
        Assert.Equal(300, host.Services.GetRequiredService<VectorIndex>().Count);
        // The restart continues from where the saved index stopped instead of re-adding every vector.
        var state = host.Services.GetRequiredService<IndexState>();
        Assert.Equal(300, state.Watermark);
        Assert.Equal(300, state.VersionOf(300));
        Assert.Same(host.Services.GetRequiredService<SentenceEmbedder>().Tokenizer, host.Services.GetRequiredService<WordPieceTokenizer>());
        Assert.Equal(EmbeddingExecutionProvider.Cpu, host.Services.GetRequiredService<SentenceEmbedder>().ExecutionProvider);
        var chunks = host.Services.GetRequiredService<CardChunker>().Chunk("# A card\n\nIt summarizes dialogues.");
        Assert.Single(host.Services.GetRequiredService<IncrementalEmbedder>().EmbedNew(chunks));
    }

    [Fact]
    public void A_replica_path_gets_the_machine_name()
    {
        var options = new VectorIndexOptions { Path = Path.Combine(_directory, "index-{replica}.usearch") };

        Assert.Equal(Path.Combine(_directory, $"index-{Environment.MachineName}.usearch"), options.ResolvedPath);
    }

    [Fact]
    public void Starts_with_an_empty_index_when_the_saved_file_is_damaged()
    {
        var path = Path.Combine(_directory, "damaged.usearch");
        File.WriteAllText(path, "not an index");
        using var host = Start(new() { ["Search:Embeddings:Index:Path"] = path });

        Assert.Equal(0, host.Services.GetRequiredService<VectorIndex>().Count);
        Assert.Equal(0, host.Services.GetRequiredService<IndexState>().Watermark);
    }

    [Fact]
    public void An_index_without_its_state_is_rebuilt_rather_than_trusted()
    {
        var path = Path.Combine(_directory, "stateless.usearch");
        SaveIndex(path, vectors: 50);
        File.Delete(IndexState.PathFor(path));
        using var host = Start(new() { ["Search:Embeddings:Index:Path"] = path });

        // Without versions the replica cannot tell which keys are stale or removed, so it starts over from the database.
        Assert.Equal(0, host.Services.GetRequiredService<VectorIndex>().Count);
        Assert.Equal(0, host.Services.GetRequiredService<IndexState>().Watermark);
    }

    private static void SaveIndex(string path, int vectors)
    {
        var random = new RandomVectors(seed: 8);
        var keys = Enumerable.Range(1, vectors).Select(i => (ulong)i).ToArray();
        using var saved = VectorIndex.Build(keys.Select(k => KeyValuePair.Create(k, random.Next())), new VectorIndexOptions());
        var state = new IndexState();
        state.Indexed(keys.Select(k => (k, (long)k)), advanceTo: vectors);
        IndexFiles.Save(saved, state, path);
    }

    private static IHost Start(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddSearchEmbeddings();
        return builder.Build();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
