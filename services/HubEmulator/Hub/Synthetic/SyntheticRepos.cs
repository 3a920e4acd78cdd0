using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>
/// Generated repos of one type, the same machinery for models, datasets and spaces: repo N is
/// made once from (seed, N) into compact records, and its JSON is built only when a page shows
/// it. Which repos exist, their ids (renames), downloads and likes follow the emulator's clock.
/// Subclasses say what a repo of their type is (<see cref="Create"/>, <see cref="Name"/>,
/// <see cref="Tags"/>, <see cref="Describe"/>).
/// </summary>
public abstract class SyntheticRepos : RepoCollection
{
    private const double RenamedShare = 0.02;
    private const double DeletedShare = 0.04;
    private const int TwoYears = 2 * 365 * 24 * 60;

    private readonly Lock _gate = new();
    private readonly EmulatorClock _clock;
    private readonly int _stream;
    private RepoLife[] _life = new RepoLife[1024];
    private int[] _existing = [];
    private int _generated;
    private int _now = int.MinValue;

    /// <summary>Repos this type draws from when it makes a repo (datasets for models, models for spaces).</summary>
    private readonly SyntheticRepos? _drawsFrom;

    protected SyntheticRepos(RepoType type, int seed, Timeline timeline, Authors authors, EmulatorClock clock, SyntheticRepos? drawsFrom = null)
        : base(type)
    {
        _drawsFrom = drawsFrom;
        Seed = seed;
        Timeline = timeline;
        Authors = authors;
        _clock = clock;
        _stream = 16 * ((int)type + 1);
    }

    protected int Seed { get; }

    protected Timeline Timeline { get; }

    public Authors Authors { get; }

    /// <summary>The clock's minute the repos were last brought to.</summary>
    protected int Now => _now;

    /// <summary>Named repos (base models, famous benchmarks) whose id carries no index.</summary>
    protected System.Collections.Concurrent.ConcurrentDictionary<string, int> Named { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected ref RepoLife Life(int index) => ref _life[index];

    /// <summary>A fresh random for repo N; <paramref name="purpose"/> separates independent draws.</summary>
    protected SeededRandom Random(int index, int purpose) => new(Seed, _stream + purpose, index);

    public override void Refresh()
    {
        // A repo draws from the repos that exist when it is made, so those are generated first.
        _drawsFrom?.Refresh();
        var now = Timeline.Minute(_clock.Now);
        if (now == Volatile.Read(ref _now))
        {
            return;
        }
        lock (_gate)
        {
            if (now == _now)
            {
                return;
            }
            var count = Timeline.CountAt(_clock.Now);
            Generate(count);
            var existing = new List<int>(count);
            for (var i = 0; i < count; i++)
            {
                if (_life[i].Deleted > now)
                {
                    existing.Add(i);
                }
            }
            _existing = existing.ToArray();
            Volatile.Write(ref _now, now);
            Invalidate();
        }
    }

    protected override int[] Existing() => _existing;

    private void Generate(int count)
    {
        if (count > _life.Length)
        {
            Array.Resize(ref _life, Math.Max(count, _life.Length * 2));
        }
        for (var i = _generated; i < count; i++)
        {
            var random = Random(i, 0);
            ref var life = ref _life[i];
            life.Created = Timeline.CreatedMinute(i, random.NextDouble());
            life.Author = Authors.DrawPublisher(ref random);
            life.Renamed = random.Chance(RenamedShare) ? life.Created + 1440 + random.Next(TwoYears) : int.MaxValue;
            life.NewAuthor = life.Renamed == int.MaxValue ? life.Author : Authors.DrawPublisher(ref random);
            life.Deleted = random.Chance(DeletedShare) ? life.Created + 1440 + random.Next(TwoYears) : int.MaxValue;
            Create(i, ref life);
        }
        _generated = Math.Max(_generated, count);
    }

    /// <summary>Fills in the repo's own traits and its download numbers; may change its author.</summary>
    protected abstract void Create(int index, ref RepoLife life);

    /// <summary>The name part of the id (after the author), fixed for the repo's life.</summary>
    protected abstract string Name(int index);

    public abstract IEnumerable<string> Tags(int index);

    /// <summary>Adds the type's own fields (pipeline_tag, cardData, sdk, ...) to the raw JSON.</summary>
    protected abstract void Describe(int index, JsonObject repo);

    public override string Id(int index) => $"{Authors.Name(CurrentAuthor(index))}/{Name(index)}";

    public override string MongoId(int index) =>
        $"{Timeline.Time(_life[index].Created).ToUnixTimeSeconds():x8}{_stream:x2}{index:x14}";

    public override string Author(int index) => Authors.Name(CurrentAuthor(index));

    public int AuthorIndex(int index) => CurrentAuthor(index);

    public override string? PipelineTag(int index) => null;

    /// <summary>Compares author indices: no name is built per repo.</summary>
    public override Func<int, bool> AuthorFilter(string author)
    {
        var wanted = Authors.Find(author);
        return index => wanted >= 0 && CurrentAuthor(index) == wanted;
    }

    public override bool HasTag(int index, string tag) =>
        Tags(index).Any(t => string.Equals(t, tag, StringComparison.OrdinalIgnoreCase));

    public long Downloads(int index)
    {
        ref var life = ref _life[index];
        if (life.PeakDownloads <= 0)
        {
            return 0;
        }
        // The Hub counts the last 30 days: a new repo is still ramping up, then most fade.
        var age = Math.Max(0, (_now - life.Created) / 1440.0);
        var ramp = Math.Min(1, (age + 1) / 30);
        var fade = life.HalfLifeDays > 0 ? Math.Pow(2, -age / life.HalfLifeDays) : 1;
        return (long)(life.PeakDownloads * ramp * fade);
    }

    public long Likes(int index)
    {
        ref var life = ref _life[index];
        var age = Math.Max(0, (_now - life.Created) / 1440.0);
        return (long)(life.Likes * Math.Min(1, (age + 1) / 90));
    }

    /// <summary>Likes gained lately, as the Hub's trending score rewards.</summary>
    public long TrendingScore(int index)
    {
        ref var life = ref _life[index];
        var age = (_now - life.Created) / 1440.0;
        return age < 90 ? life.Likes * 7 / 90 : life.HalfLifeDays == 0 ? life.Likes / 200 : 0;
    }

    public DateTimeOffset CreatedAt(int index) => Timeline.Time(_life[index].Created);

    private int LastModified(int index)
    {
        var random = Random(index, 1);
        return Math.Min(_now, _life[index].Created + random.Next(90 * 1440));
    }

    public override SortValue SortValue(int index, string sort) => sort switch
    {
        "downloads" => new(Downloads(index), null),
        "likes" => new(Likes(index), null),
        "trendingScore" => new(TrendingScore(index), null),
        "createdAt" => new(Timeline.Time(_life[index].Created).ToUnixTimeMilliseconds(), null),
        "lastModified" => new(Timeline.Time(LastModified(index)).ToUnixTimeMilliseconds(), null),
        "id" => new(0, Id(index)),
        _ => default,
    };

    public override JsonObject Json(int index)
    {
        var id = Id(index);
        var repo = new JsonObject
        {
            ["_id"] = MongoId(index),
            ["id"] = id,
            ["author"] = Author(index),
            ["sha"] = Sha(index),
            ["createdAt"] = Timeline.Iso(_life[index].Created),
            ["lastModified"] = Timeline.Iso(LastModified(index)),
            ["private"] = false,
            ["gated"] = false,
            ["disabled"] = false,
            ["downloads"] = Downloads(index),
            ["likes"] = Likes(index),
            ["trendingScore"] = TrendingScore(index),
            ["tags"] = new JsonArray(Tags(index).Select(t => (JsonNode)t).ToArray()),
        };
        Describe(index, repo);
        return repo;
    }

    /// <summary>A 40-hex-digit commit id, like a git SHA-1, fixed for the repo.</summary>
    private string Sha(int index)
    {
        var random = Random(index, 2);
        Span<byte> bytes = stackalloc byte[24];
        for (var i = 0; i < bytes.Length; i += 8)
        {
            BitConverter.TryWriteBytes(bytes[i..], random.NextULong());
        }
        return Convert.ToHexStringLower(bytes[..20]);
    }

    public override int IndexOf(string id)
    {
        Refresh();
        var index = Parse(id);
        return index >= 0 && _life[index].Deleted > _now && string.Equals(Id(index), id, StringComparison.OrdinalIgnoreCase) ? index : -1;
    }

    public override string? RenamedTo(string id)
    {
        Refresh();
        var index = Parse(id);
        if (index < 0 || _life[index].Deleted <= _now || _life[index].Renamed > _now)
        {
            return null;
        }
        var old = $"{Authors.Name(_life[index].Author)}/{Name(index)}";
        return string.Equals(old, id, StringComparison.OrdinalIgnoreCase) ? Id(index) : null;
    }

    public override string? Card(string id)
    {
        var index = IndexOf(id);
        return index < 0 || Json(index)["cardData"] is not JsonObject cardData ? null : MetadataCard.Write(Name(index), cardData, Summary(index));
    }

    /// <summary>A sentence for the card's body.</summary>
    protected virtual string Summary(int index) => $"A {Type.ToString().ToLowerInvariant()} by {Author(index)}.";

    /// <summary>Ids end in the index (base 36), so finding a repo by id needs no index of ids.</summary>
    protected static string Suffix(int index) => ToBase36(index);

    private int Parse(string id)
    {
        if (Named.TryGetValue(id, out var named))
        {
            return named < _generated ? named : -1;
        }
        var dash = id.LastIndexOf('-');
        if (dash < 0 || id.IndexOf('/') < 0)
        {
            return -1;
        }
        long value = 0;
        foreach (var c in id.AsSpan(dash + 1))
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterLower(c) ? c - 'a' + 10 : -1;
            if (digit < 0 || (value = value * 36 + digit) >= _generated)
            {
                return -1;
            }
        }
        return (int)value;
    }

    private static string ToBase36(int value)
    {
        Span<char> digits = stackalloc char[8];
        var at = digits.Length;
        do
        {
            var d = value % 36;
            digits[--at] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
            value /= 36;
        }
        while (value > 0);
        return new string(digits[at..]);
    }

    private int CurrentAuthor(int index) => _life[index].Renamed <= _now ? _life[index].NewAuthor : _life[index].Author;

    protected static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
