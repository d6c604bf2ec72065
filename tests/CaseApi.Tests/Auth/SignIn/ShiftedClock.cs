namespace CaseApi.Tests.Auth.SignIn;

/// <summary>
/// The system clock moved by <see cref="Shift"/>: the test provider issues tokens as if earlier while time still passes.
/// FakeTimeProvider cannot go back, and a provider whose clock stood still would issue tokens that age during the tests.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Shift;
}
