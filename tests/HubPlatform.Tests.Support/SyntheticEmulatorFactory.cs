namespace HubPlatform.Tests.Support;

/// <summary>The emulator serving a generated hub of 2,000 models (seed 7), on the generator's own clock.</summary>
public sealed class SyntheticEmulatorFactory() : EmulatorFactory(Models, seed: 7)
{
    public const int Models = 2_000;
}
