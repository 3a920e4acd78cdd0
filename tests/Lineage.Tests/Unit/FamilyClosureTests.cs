using HubPlatform.Lineage.Graph;
using HubPlatform.Lineage.Infrastructure;

namespace HubPlatform.Tests.Lineage.Unit;

/// <summary>
/// The rollup's in-memory arithmetic on small graphs whose answers are worked out by hand: merges reached
/// along two paths, a quantization of a finetune, a cycle below a base and one no root reaches, a model
/// with no node. The generated-hub tests check the same numbers end to end against a reference walk.
/// </summary>
public sealed class FamilyClosureTests
{
    private static LiveEdge E(string model, string @base, string relation) => new(model, @base, relation);

    [Fact]
    public void A_family_counts_each_descendant_once_and_each_model_once_per_relation()
    {
        // b ─finetune→ f ─quantized→ q;  b ─adapter→ a;  f and a ─merge→ m (reached twice, counted once)
        var edges = new[]
        {
            E("f", "b", "finetune"), E("q", "f", "quantized"), E("a", "b", "adapter"), E("m", "f", "merge"), E("m", "a", "merge"),
        };
        var downloads = new Dictionary<string, long> { ["b"] = 1000, ["f"] = 10, ["q"] = 20, ["a"] = 30, ["m"] = 40 };

        var result = FamilyClosure.Compute(edges, downloads);

        var b = result.Families.Single(f => f.BaseModel == "b");
        Assert.Equal(new FamilyTotals("b", 4, 100, 1, 1, 1, 1, 1, 1, 0, 0), b);
        var f = result.Families.Single(x => x.BaseModel == "f");
        Assert.Equal(new FamilyTotals("f", 2, 60, 0, 0, 1, 1, 0, 0, 1, 1), f);
        Assert.Equal(new FamilyTotals("a", 1, 40, 0, 0, 0, 1, 0, 0, 0, 1), result.Families.Single(x => x.BaseModel == "a"));
        Assert.Equal(3, result.Families.Count); // q and m have no children
        Assert.Equal(new[] { (0, 1L), (1, 2L), (2, 2L) }, result.DepthLevels);
        Assert.Empty(result.CycleMembers);
    }

    [Fact]
    public void Cycles_end_the_walk_and_are_reported()
    {
        // r ─finetune→ x ─adapter→ y ─finetune→ x (a cycle below r);  c ⇄ d (no root reaches them)
        var edges = new[]
        {
            E("x", "r", "finetune"), E("y", "x", "adapter"), E("x", "y", "finetune"), E("c", "d", "merge"), E("d", "c", "finetune"),
        };
        var downloads = new Dictionary<string, long> { ["r"] = 1, ["x"] = 2, ["y"] = 4, ["c"] = 8, ["d"] = 16 };

        var result = FamilyClosure.Compute(edges, downloads);

        Assert.Equal(new FamilyTotals("r", 2, 6, 1, 1, 0, 0, 1, 0, 0, 0), result.Families.Single(f => f.BaseModel == "r"));
        // x's family is y (x itself, reached again through y, is not its own descendant), and the edge back to x is not in its mix.
        Assert.Equal(new FamilyTotals("x", 1, 4, 0, 1, 0, 0, 0, 1, 0, 0), result.Families.Single(f => f.BaseModel == "x"));
        Assert.Equal(new FamilyTotals("c", 1, 16, 1, 0, 0, 0, 1, 0, 0, 0), result.Families.Single(f => f.BaseModel == "c"));
        Assert.Equal(new[] { "c", "d", "x", "y" }, result.CycleMembers.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { (0, 1L), (1, 1L), (2, 1L), (DepthLevel.InCyclesOnly, 2L) }, result.DepthLevels);
    }

    [Fact]
    public void A_descendant_without_a_node_is_walked_but_not_counted()
    {
        var edges = new[] { E("ghost", "b", "finetune"), E("child", "ghost", "adapter") };
        var downloads = new Dictionary<string, long> { ["b"] = 5, ["child"] = 7 };

        var result = FamilyClosure.Compute(edges, downloads);

        Assert.Equal(new FamilyTotals("b", 1, 7, 1, 1, 0, 0, 1, 0, 0, 0), result.Families.Single(f => f.BaseModel == "b"));
        Assert.Equal(new FamilyTotals("ghost", 1, 7, 0, 1, 0, 0, 0, 1, 0, 0), result.Families.Single(f => f.BaseModel == "ghost"));
    }
}
