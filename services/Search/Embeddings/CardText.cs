using System.Text.RegularExpressions;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// The prose of a model card (README.md) for embedding. The YAML front matter is metadata the search
/// documents already hold as fields (tags, license, datasets), and code blocks, HTML and link targets are
/// syntax: all of it would spend the model's 256-token window on text that makes every card look alike.
/// </summary>
public static partial class CardText
{
    public static string StripFrontMatter(string readme)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var match = FrontMatter().Match(readme);
        return match.Success ? readme[match.Length..] : readme;
    }

    public static string ToPlainText(string readme)
    {
        var text = StripFrontMatter(readme).ReplaceLineEndings("\n");
        text = FencedCode().Replace(text, "\n");
        text = HtmlComment().Replace(text, " ");
        text = Image().Replace(text, " ");
        text = Link().Replace(text, "$1");
        text = HtmlTag().Replace(text, " ");
        text = SpacesAndTabs().Replace(text, " ");
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    // "---" on the first line up to the next line that is exactly "---" (or YAML's "..." end marker).
    [GeneratedRegex(@"\A\uFEFF?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\z)", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<[^>\n]+>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex SpacesAndTabs();

    [GeneratedRegex(@"\n(?:[ \t]*\n)+")]
    private static partial Regex BlankLines();
}
