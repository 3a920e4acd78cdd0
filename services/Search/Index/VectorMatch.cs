namespace HubPlatform.Search.Index;

/// <summary>A key found by a vector query and its cosine similarity to the query (1 is identical).</summary>
public readonly record struct VectorMatch(ulong Key, float Similarity);
