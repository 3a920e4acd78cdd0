using HubPlatform.Contracts;
using HubPlatform.Search.Apis;

namespace HubPlatform.Tests.Search.Unit;

/// <summary>Search's repoType query value: model and dataset are searched; spaces and any other word are a 400 naming the two.</summary>
public class SearchRepoTypeTests
{
    [Theory]
    [InlineData("model", RepoType.Model)]
    [InlineData("dataset", RepoType.Dataset)]
    public void A_searched_type_is_read_as_the_enum(string word, RepoType expected)
    {
        Assert.Null(SearchApi.RepoTypeProblem(word, out var type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData("space")]
    [InlineData("Model")]
    [InlineData("1")]
    [InlineData("paper")]
    public void Anything_else_is_a_400_naming_model_and_dataset(string value)
    {
        var problem = SearchApi.RepoTypeProblem(value, out _);

        Assert.NotNull(problem);
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal("Invalid repoType", problem.ProblemDetails.Title);
        Assert.Equal("repoType is model or dataset.", problem.ProblemDetails.Detail);
    }
}
