using System.Text.RegularExpressions;

namespace HubPlatform.Search.Embeddings;

/// <summary>
/// The prose of a model card (README.md) for embedding. The YAML front matter is metadata the search
/// documents already hold as fields (tags, license, datasets), and code blocks, HTML and link targets are
/// syntax: all of it would spend the model's 256-token window on text that makes every card look alike.
/// So would the machinery that card templates and trainers write into every card: sections of
/// hyperparameters, framework versions, training logs, citations, carbon estimates, and the template's
/// "More Information Needed" placeholders. Those are left out too; what stays says what the model does.
/// </summary>
public static partial class CardText
{
    public static string StripFrontMatter(string readme)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var match = FrontMatter().Match(readme);
        return match.Success ? readme[match.Length..] : readme;
    }

    /// <param name="keepBoilerplate">Keeps the machinery sections and placeholders (how cards were embedded before; the bench compares both).</param>
    public static string ToPlainText(string readme, bool keepBoilerplate = false)
    {
        var text = StripFrontMatter(readme).ReplaceLineEndings("\n");
        text = FencedCode().Replace(text, "\n");
        text = HtmlComment().Replace(text, " ");
        text = Image().Replace(text, " ");
        text = Link().Replace(text, "$1");
        text = HtmlTag().Replace(text, " ");
        text = SpacesAndTabs().Replace(text, " ");
        text = keepBoilerplate ? text : WithoutBoilerplate(text);
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    /// <summary>
    /// Drops the sections under a machinery heading (down to the next heading of the same or a higher level),
    /// placeholder lines, the trainer's list of evaluation numbers, and headings left heading nothing.
    /// </summary>
    private static string WithoutBoilerplate(string text)
    {
        var kept = new List<string>();
        var skippingBelow = 0; // the level of the machinery heading being skipped; 0 when keeping
        var inScores = false; // in the "- Loss: 0.51" lines after the trainer's "It achieves the following results"
        foreach (var line in text.Split('\n'))
        {
            inScores = (inScores && ScoreLine().IsMatch(line)) || TrainerScores().IsMatch(line);
            if (inScores)
            {
                continue;
            }
            if (Heading().Match(line) is { Success: true } heading)
            {
                var level = heading.Groups[1].Length;
                if (skippingBelow > 0 && level > skippingBelow)
                {
                    continue;
                }
                skippingBelow = MachineryHeading().IsMatch(heading.Groups[2].Value) ? level : 0;
                if (skippingBelow > 0)
                {
                    continue;
                }
            }
            if (skippingBelow == 0 && !Placeholder().IsMatch(line))
            {
                kept.Add(line);
            }
        }
        return string.Join('\n', WithoutEmptyHeadings(kept));
    }

    /// <summary>
    /// Drops headings that head nothing: no line with a letter or digit before the next heading of the same or a
    /// higher level. The template's outline ("Uses", "Direct Use", "Training Data", ...) stays behind once its
    /// placeholders are gone, and would fill a card's first window with the same words on every templated card.
    /// </summary>
    private static List<string> WithoutEmptyHeadings(List<string> lines)
    {
        var kept = new List<string>(lines.Count);
        // Read from the end: hasContent[level] says whether a content line follows before the next heading of that level or higher.
        var hasContent = new bool[7];
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (Heading().Match(lines[i]) is { Success: true } heading)
            {
                var level = heading.Groups[1].Length;
                if (!hasContent[level])
                {
                    continue;
                }
                Array.Fill(hasContent, false, level, hasContent.Length - level);
            }
            else if (lines[i].Any(char.IsLetterOrDigit))
            {
                Array.Fill(hasContent, true);
            }
            kept.Add(lines[i]);
        }
        kept.Reverse();
        return kept;
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

    // The link text may hold one level of brackets, as the Trainer writes a dataset list: [['org/data']](url).
    [GeneratedRegex(@"\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"<[^>\n]+>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex SpacesAndTabs();

    [GeneratedRegex(@"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    // Headings of what trainers and the Hub's card template write into every card (an "[optional]" suffix included).
    [GeneratedRegex(@"^(training (hyperparameters|results|logs?)|framework versions|citations?|bibtex|apa|environmental impact|" +
                    @"compute infrastructure|hardware|software|model card (authors?|contact)|glossary|more information|" +
                    @"speeds, sizes, times|technical specifications|results summary|training regime)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MachineryHeading();

    // A template line whose value was never filled in ("- **Developed by:** [More Information Needed]"), or the
    // template's own words: its title when no model id was given, its stock description of an auto-generated card.
    [GeneratedRegex(@"more information needed|^\s*(cite \S+ as:|use the code below to get started with the model\.?)\s*$|" +
                    @"^#\s+model card for model id\s*$|^this is the model card of a 🤗 transformers model that has been pushed on the hub\.",
                        RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    // The Trainer's card states its final evaluation numbers, one "- name: value" line each, as its training results table does.
    [GeneratedRegex(@"^it achieves the following results on the evaluation set:?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrainerScores();

    [GeneratedRegex(@"^\s*[-*]\s+[^:]{1,80}:\s*[-+]?(\d[\d.,]*(e[-+]?\d+)?|nan|inf)\s*%?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ScoreLine();

    [GeneratedRegex(@"\n(?:[ \t]*\n)+")]
    private static partial Regex BlankLines();
}
