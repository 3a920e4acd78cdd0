using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Extensions;
using HubPlatform.Search.Index;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HubPlatform.Tests.Search;

public sealed class SearchEmbeddingsRegistrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("search-embeddings-").FullName;

    [Fact]
    public void Binds_Search_Embeddings_and_loads_the_saved_index_at_start()
    {
        var path = Path.Combine(_directory, "models.usearch");
        var random = new RandomVectors(seed: 8);
        using (var saved = VectorIndex.Build(Enumerable.Range(1, 300).Select(i => KeyValuePair.Create((ulong)i, random.Next())), new VectorIndexOptions()))
        {
            saved.Save(path);
        }
        using var host = Start(new()
        {
            ["Search:Embeddings:BatchSize"] = "8",
            ["Search:Embeddings:ExecutionProvider"] = "Cuda",
            ["Search:Embeddings:Index:Path"] = path,
            ["Search:Embeddings:Index:ExpansionSearch"] = "100",
        });

        Assert.Equal(8, host.Services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.BatchSize);
        Assert.Equal(100, host.Services.GetRequiredService<IOptions<VectorIndexOptions>>().Value.ExpansionSearch);
        Assert.Equal(300, host.Services.GetRequiredService<VectorIndex>().Count);
        Assert.Same(host.Services.GetRequiredService<SentenceEmbedder>().Tokenizer, host.Services.GetRequiredService<WordPieceTokenizer>());
        Assert.Equal(EmbeddingExecutionProvider.Cpu, host.Services.GetRequiredService<SentenceEmbedder>().ExecutionProvider);
        var chunks = host.Services.GetRequiredService<CardChunker>().Chunk("# A card\n\nIt summarizes dialogues.");
        Assert.Single(host.Services.GetRequiredService<IncrementalEmbedder>().EmbedNew(chunks));
    }

    [Fact]
    public void Starts_with_an_empty_index_when_the_saved_file_is_damaged()
    {
        var path = Path.Combine(_directory, "damaged.usearch");
        File.WriteAllText(path, "not an index");
        using var host = Start(new() { ["Search:Embeddings:Index:Path"] = path });

        Assert.Equal(0, host.Services.GetRequiredService<VectorIndex>().Count);
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
