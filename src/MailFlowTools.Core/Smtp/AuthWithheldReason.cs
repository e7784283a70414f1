namespace MailFlowTools.Core.Smtp;

/// <summary>Why the session kept the credential to itself.</summary>
public enum AuthWithheldReason : long
{
    None,
    NotEncrypted,
    CertificateUntrusted,
    NoUsableMechanism,
}
