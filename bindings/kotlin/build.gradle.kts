// Android library module for the consentkit Kotlin bindings (package dev.consentkit).
//
// Sources: the uniffi-generated Kotlin (target/bindings/kotlin, written by
// ./scripts/build-bindings) plus src/main/kotlin. Native libraries:
// src/main/jniLibs/<abi>/libconsentkit_ffi.so, built with cargo-ndk (see README.md).
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "dev.consentkit"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        java.srcDirs("src/main/kotlin", "../../target/bindings/kotlin")
        jniLibs.srcDirs("src/main/jniLibs")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // uniffi's Kotlin calls the library through JNA (the Android AAR carries its native part).
    implementation("net.java.dev.jna:jna:5.14.0@aar")
    // The async signers (suspend fun sign, makeOfferAsync, acceptAsync, ...) run on coroutines.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
}
