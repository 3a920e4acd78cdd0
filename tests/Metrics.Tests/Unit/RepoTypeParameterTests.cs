using HubPlatform.Contracts;
using HubPlatform.Metrics.Apis;

namespace HubPlatform.Tests.Metrics.Unit;

/// <summary>
/// The repoType query value at the API's edge: the documented lowercase words become the enum, anything else (the enum's own
/// names, its numbers, other casings) is a 400 problem that names the allowed words.
/// </summary>
public class RepoTypeParameterTests
{
    [Theory]
    [InlineData("model", RepoType.Model)]
    [InlineData("dataset", RepoType.Dataset)]
    [InlineData("space", RepoType.Space)]
    public void A_documented_word_is_its_type_and_back(string word, RepoType expected)
    {
        Assert.Null(RepoTypeParameter.One(word, out var type));
        Assert.Equal(expected, type);
        Assert.Equal(word, type.Name());
        Assert.Equal(expected, RepoTypeNames.Parse(word));
    }

    [Theory]
    [InlineData("paper")]
    [InlineData("Model")]
    [InlineData("MODEL")]
    [InlineData("0")]
    [InlineData("models")]
    [InlineData("")]
    [InlineData("all")]
    public void Any_other_value_is_a_400_naming_the_three_words(string value)
    {
        var problem = RepoTypeParameter.One(value, out _);

        Assert.NotNull(problem);
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal("Invalid repoType", problem.ProblemDetails.Title);
        Assert.Equal("repoType is one of model, dataset, space.", problem.ProblemDetails.Detail);
        Assert.False(RepoTypeNames.TryParse(value, out _));
        Assert.Throws<FormatException>(() => RepoTypeNames.Parse(value));
    }

    [Fact]
    public void The_heatmap_also_takes_all_as_every_type()
    {
        Assert.Null(RepoTypeParameter.OneOrAll("all", out var all));
        Assert.Null(all);
        Assert.Null(RepoTypeParameter.OneOrAll("space", out var space));
        Assert.Equal(RepoType.Space, space);

        var problem = RepoTypeParameter.OneOrAll("Space", out var none);
        Assert.Null(none);
        Assert.Equal(400, problem?.StatusCode);
        Assert.Equal("repoType is one of all, model, dataset, space.", problem?.ProblemDetails.Detail);
    }

    [Fact]
    public void Every_type_has_a_word()
    {
        Assert.Equal(RepoTypeNames.All, Enum.GetValues<RepoType>().Select(t => t.Name()));
    }
}
