// The consentkit Android library, standalone (or include it from an app's
// settings.gradle.kts: include(":consentkit"); project(":consentkit").projectDir = file(".../bindings/kotlin)).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "consentkit"
